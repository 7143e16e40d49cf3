"""bilingual-digest: French↔English translation and bilingual summaries of news articles.

>>> from bilingual_digest import translate
>>> translate("Les deux parties vont entamer des discussions.")  # doctest: +SKIP
'The two parties will begin discussions.'
"""

from .articles import extract_article, fetch_article
from .detection import detect_language
from .digest import Digester, digest
from .documents import Article
from .errors import (
    ArticleError,
    BilingualDigestError,
    DeviceUnavailableError,
    GlossaryError,
    InputError,
    ModelUnavailableError,
    PrivateAddressError,
    UnsupportedLanguageError,
)
from .glossary import Glossary
from .options import FetchOptions, GenerationOptions, TranslationOptions
from .results import BilingualSummary, Digest
from .summarization import Summarizer, SummaryOptions, summarize
from .translation import Segment, Translation, Translator, translate

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
    "BilingualDigestError",
    "BilingualSummary",
    "DeviceUnavailableError",
    "Digest",
    "Digester",
    "FetchOptions",
    "GenerationOptions",
    "Glossary",
    "GlossaryError",
    "InputError",
    "ModelUnavailableError",
    "PrivateAddressError",
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
    "extract_article",
    "fetch_article",
    "summarize",
    "translate",
]
