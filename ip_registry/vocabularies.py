"""The registry's own vocabulary, registered with the shared lookup."""

from core.vocabularies import VocabularySource, vocabulary_register
from ip_registry.models import DesignationType

vocabulary_register(
    VocabularySource(
        "designation_type", "认定类型", DesignationType.objects.all, "知识产权登记 › 认定类型"
    )
)
