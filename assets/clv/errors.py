"""The one error the CLV models raise when the data cannot support what was asked."""


class CLVDataError(ValueError):
    """The data cannot support a fit or a prediction; the message says why in plain words.

    Raised instead of letting scipy fail deep inside an optimiser or return NaN, so a pipeline
    can catch it, log the reason and carry on (for example without the spend model).
    """
