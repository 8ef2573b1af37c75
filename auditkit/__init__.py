"""auditkit: audit the figures a region submits for medical-insurance subsidy settlements."""

__version__ = "0.1.0"

from auditkit.errors import PackageError, RulebookError  # noqa: E402
from auditkit.findings import Effect, Evidence, Finding, RegionAssessment, mask_id  # noqa: E402
from auditkit.package import Submission, Table, load_package  # noqa: E402
from auditkit.registry import NotRun, check, family, load_checks  # noqa: E402
from auditkit.rulebook import Rulebook, load_rulebook  # noqa: E402

__all__ = [
    "Effect", "Evidence", "Finding", "NotRun", "PackageError", "RegionAssessment", "Rulebook", "RulebookError",
    "Submission", "Table", "__version__", "check", "family", "load_checks", "load_package", "load_rulebook",
    "mask_id",
]
