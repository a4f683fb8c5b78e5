from django.db import models


class RuleSetQuerySet(models.QuerySet):
    def applicable(self, *, scheme: str, call_year: int, national_agency: str = ""):
        """Rule sets that may price a project, the one to use first: the latest first call year not after the
        project's, and for the same year a National Agency's own set before the guide's."""
        agencies = [national_agency, ""] if national_agency else [""]
        return self.filter(scheme=scheme, from_call_year__lte=call_year, national_agency__in=agencies).order_by(
            "-from_call_year", "-national_agency"
        )
