"""Inter-annotator agreement: how far annotators' labels agree beyond what chance explains.

>>> from accord.core.agreement import krippendorff_alpha
>>> krippendorff_alpha([[1, 2, 2], [1, 2, 3]]).n_units
3
"""

from accord.core.agreement.categorical import (
    AgreementScore,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

__all__ = [
    "AgreementScore",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]
