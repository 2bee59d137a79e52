"""System comparisons: the Ham-style comparison, its decomposition and rate models."""

from .compare import compare
from .decompose import decompose
from .models import rate_model
