"""bilingual-digest: French↔English translation and bilingual summaries of news articles.

>>> from bilingual_digest import translate
>>> translate("Les deux parties vont entamer des discussions.")  # doctest: +SKIP
'The two parties will begin discussions.'
"""

from .errors import (
    BilingualDigestError,
    DeviceUnavailableError,
    InputError,
    ModelUnavailableError,
    UnsupportedLanguageError,
)
from .languages import detect_language
from .options import GenerationOptions, TranslationOptions
from .translation import Segment, Translation, Translator, translate

__version__ = "0.1.0"

__all__ = [
    "BilingualDigestError",
    "DeviceUnavailableError",
    "GenerationOptions",
    "InputError",
    "ModelUnavailableError",
    "Segment",
    "Translation",
    "TranslationOptions",
    "Translator",
    "UnsupportedLanguageError",
    "__version__",
    "detect_language",
    "translate",
]
