"""poisson_ci / smr methods "ury-wiggins", "vandenbroucke", "anscombe" against R peers (issue 20).

Printed by R 4.2.2 with ``digits = 15`` (the tests do not need R):

* Ury-Wiggins: epiR 2.0.57 ``epi.smr(O, 1, method = "ury.wiggins", conf.level = cl)`` at 90% and 95%;
  at 99% epi.smr fails (its code tests 0.95 twice), so from the published constants 2 and 3:
  ``z <- qnorm(0.995); O - z * sqrt(O) + 2; O + z * sqrt(O) + 3``.
* Vandenbroucke: ``epi.smr(O, 1, method = "vandenbroucke")`` at 95% (the only level epiR computes);
  at 90% and 99% ``(sqrt(O) -/+ qnorm(1 - (1 - cl)/2)/2)^2``.
* Anscombe: survival 3.5-3 ``cipoisson(O, 1, p = cl, method = "anscombe")``.

Where a peer squares a negative root (Vandenbroucke O = 1 at 99%: 0.0828948467064028; Anscombe O = 1 at
95% and 99%: 0.00198627503223622, 0.124256465082173) kpcompare's lower limit is 0; at O = 0 epi.smr
refuses the count and cipoisson returns NaN, and kpcompare's lower limit is 0 (docs/methods.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpcompare import poisson_ci, smr
from kpcompare.errors import InvalidArgumentError

COUNTS = [1, 4, 10, 137]
# method -> confidence -> [(lower, upper) per count in COUNTS]; None = the peer squares a negative root
R_LIMITS = {
    "ury-wiggins": {
        0.90: [(0.0051463730485285, 4.29485362695147), (1.36029274609706, 8.93970725390294),
               (5.44851612124443, 16.8514838787556), (118.397481899474, 157.902518100526)],
        0.95: [(0.0400360154599464, 4.95996398454005), (1.08007203091989, 9.91992796908011),
               (4.80204967695439, 18.1979503230456), (115.05920972514, 161.94079027486)],
        0.99: [(0.4241706964511, 6.5758293035489), (0.8483413929022, 12.1516586070978),
               (3.85451253698024, 21.1454874630198), (108.850690980722, 170.149309019278)],
    },
    "vandenbroucke": {
        0.90: [(0.0315322365723811, 3.32123949047532), (1.38667860962091, 7.9660931174268),
               (5.47490198476828, 15.8778697422794), (118.423867762998, 156.92890396405)],
        0.95: [(0.000400720633477267, 3.92032868971358), (1.04043673609342, 8.88029267425364),
               (4.76241438212792, 17.1583150282191), (115.019574430314, 160.901154980033)],
        0.99: [(None, 5.2345534538042), (0.507065543157503, 10.8103827573531),
               (3.51323668723554, 19.8042116132751), (108.509415130978, 168.808033169533)],
    },
    "anscombe": {
        0.90: [(0.0127661826626319, 4.80369445171263), (1.31348826097066, 9.18312433686071),
               (5.38251349044361, 16.9756632405841), (118.307652850428, 157.86528768924)],
        0.95: [(None, 5.51915592074927), (0.977171743411545, 10.1628480096917),
               (4.67627338791297, 18.298789855591), (114.905042507644, 161.849298199976)],
        0.99: [(None, 7.06082368484669), (0.463199095691703, 12.2210012606112),
               (3.43930607759038, 21.0281046771746), (108.398172516599, 169.779159654903)],
    },
}


@pytest.mark.parametrize("method", sorted(R_LIMITS))
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_limits_match_the_r_peers(method, confidence):
    lower, upper = poisson_ci(COUNTS, method=method, confidence=confidence)
    for k, (lo, hi) in enumerate(R_LIMITS[method][confidence]):
        assert upper[k] == pytest.approx(hi, rel=1e-12), (method, confidence, COUNTS[k])
        assert lower[k] == (0.0 if lo is None else pytest.approx(lo, rel=1e-12)), (method, confidence, COUNTS[k])


@pytest.mark.parametrize("method", sorted(R_LIMITS))
def test_zero_count_has_lower_limit_zero(method):
    lower, upper = poisson_ci([0], method=method, confidence=0.95)
    assert lower[0] == 0.0
    # upper at O = 0: Ury-Wiggins 0 + 0 + 2; Vandenbroucke (z/2)^2; cipoisson(0, method = "anscombe")
    # upper 3.66874313531483
    z = 1.959963984540054
    assert upper[0] == pytest.approx({"ury-wiggins": 2.0, "vandenbroucke": (z / 2) ** 2,
                                      "anscombe": 3.66874313531483}[method], rel=1e-12)


def test_lower_limit_falls_as_confidence_rises():
    for method in ("vandenbroucke", "anscombe"):
        lows = [poisson_ci([1], method=method, confidence=c)[0][0] for c in (0.8, 0.9, 0.95, 0.99, 0.999)]
        assert lows == sorted(lows, reverse=True), method


def test_ury_wiggins_is_defined_at_its_three_levels_only():
    with pytest.raises(InvalidArgumentError, match=r"'ury-wiggins' is defined at confidence 0.9, 0.95 and 0.99"):
        poisson_ci([4], method="ury-wiggins", confidence=0.998)


def test_smr_with_the_shortcut_methods_matches_epi_smr():
    # epi.smr(4, 3.3, method = "vandenbroucke"): 0.31528385942225 2.69099778007686
    # epi.smr(4, 3.3, method = "ury.wiggins"):   0.32729455482421 3.00603877850912
    data = pd.DataFrame({"age_band": ["all"], "obs": [4], "pop": [3.3]})
    standard = pd.DataFrame({"age_band": ["all"], "obs": [1.0], "pop": [1.0]})
    for method, (lo, hi) in {"vandenbroucke": (0.31528385942225, 2.69099778007686),
                             "ury-wiggins": (0.32729455482421, 3.00603877850912)}.items():
        out = smr(data, count="obs", population="pop", standard=standard, method=method)
        assert (out["lower"].item(), out["upper"].item()) == pytest.approx((lo, hi), rel=1e-12)
        assert out["method"].item().startswith({"vandenbroucke": "Vandenbroucke", "ury-wiggins": "Ury-Wiggins"}[method])
    assert np.isfinite(smr(data, count="obs", population="pop", standard=standard, method="anscombe")["upper"]).all()
