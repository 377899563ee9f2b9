"""The one error the CLV models raise when the data cannot support what was asked."""


class CLVDataError(ValueError):
    """The data cannot support a fit or a prediction; the message says why in plain words.

    Raised instead of letting scipy fail deep inside an optimiser or return NaN, so a pipeline
    can catch it, log the reason and carry on (for example without the spend model).
    """


class NoSpendError(CLVDataError):
    """Every repeat purchase with a known amount is worth 0: there is no spend to value customers by.

    Unlike the other reasons the spend model can be skipped for, this one fails the refresh: pricing
    customers at their own mean spend would publish a CLV of 0 for everyone, which reads as a finding.
    """


class CLVSettingError(ValueError):
    """A CLV setting of the refresh is malformed or contradicts the data; the message names the setting."""
