"""Spark sessions for the Spark engine's tests: one local JVM (``local[2]``) serving a classic session and,
through its Spark Connect plugin, a Connect session (PySpark 4 ships the Connect server; 3.5 does not).

Both are session-scoped (started once, about 30-60 s on 2 cores); without Java or PySpark the tests skip and
say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def spark_classic():
    pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed: pip install 'kpcompare[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed (Spark needs Java 17 or 21): the Spark engine's tests cannot run")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the executors' Python: this one
    builder = (SparkSession.builder.master("local[2]").appName("kpcompare-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
               .config("spark.default.parallelism", "2").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if int(pyspark.__version__.split(".")[0]) >= 4:  # the Connect server runs in the same JVM
        os.environ["KPCOMPARE_TEST_CONNECT_PORT"] = str(_free_port())
        builder = (builder.config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
                   .config("spark.connect.grpc.binding.port", os.environ["KPCOMPARE_TEST_CONNECT_PORT"]))
    session = builder.getOrCreate()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_connect(spark_classic):
    port = os.environ.get("KPCOMPARE_TEST_CONNECT_PORT")
    if port is None:
        pytest.skip("PySpark 3.5 does not ship the Spark Connect server (it is downloaded from Maven, which this "
                    "offline run cannot reach): Connect is tested with PySpark 4")
    for module in ("grpc", "google.rpc", "zstandard"):
        pytest.importorskip(module, reason="Spark Connect needs pip install 'pyspark[connect]'")
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(f"sc://localhost:{port}").create()
    yield session
    session.stop()


@pytest.fixture(scope="session", params=["classic", "connect"])
def spark(request):
    """Each test taking ``spark`` runs on the classic session and on the Connect session."""
    return request.getfixturevalue(f"spark_{request.param}")


@pytest.fixture(autouse=True)
def _spark_mode(request, monkeypatch):
    """PySpark 4 picks classic or Connect functions (``pyspark.sql.functions``) by one environment variable,
    which creating a Connect session sets for the whole process: each test gets the mode of the session it uses
    (a Python process normally uses one of them)."""
    if "KPCOMPARE_TEST_CONNECT_PORT" not in os.environ:
        return
    callspec = getattr(request.node, "callspec", None)
    connect = "spark_connect" in request.fixturenames or (
        callspec is not None and callspec.params.get("spark") == "connect")
    if connect:
        monkeypatch.setenv("SPARK_CONNECT_MODE_ENABLED", "1")
    else:
        monkeypatch.delenv("SPARK_CONNECT_MODE_ENABLED", raising=False)
