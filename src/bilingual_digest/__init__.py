"""bilingual-digest: French↔English translation and bilingual summaries of news articles.

>>> from bilingual_digest import translate
>>> translate("Les deux parties vont entamer des discussions.")  # doctest: +SKIP
'The two parties will begin discussions.'
"""

from .detection import detect_language
from .digest import Digester, digest
from .errors import (
    BilingualDigestError,
    DeviceUnavailableError,
    InputError,
    ModelUnavailableError,
    UnsupportedLanguageError,
)
from .options import GenerationOptions, TranslationOptions
from .results import BilingualSummary, Digest
from .summarization import Summarizer, SummaryOptions, summarize
from .translation import Segment, Translation, Translator, translate

__version__ = "0.1.0"

__all__ = [
    "BilingualDigestError",
    "BilingualSummary",
    "DeviceUnavailableError",
    "Digest",
    "Digester",
    "GenerationOptions",
    "InputError",
    "ModelUnavailableError",
    "Segment",
    "Summarizer",
    "SummaryOptions",
    "Translation",
    "TranslationOptions",
    "Translator",
    "UnsupportedLanguageError",
    "__version__",
    "detect_language",
    "digest",
    "summarize",
    "translate",
]
