"""core.validation.text_required: the services' "a reason is required" rule, written once."""

import pytest
from django.core.exceptions import ValidationError

from core.validation import text_required


def test_text_is_stripped():
    assert text_required("  补充协议  ", "须写明原因") == "补充协议"


@pytest.mark.parametrize("value", [None, "", "  \n "])
def test_empty_text_is_refused_under_the_field(value):
    with pytest.raises(ValidationError) as caught:
        text_required(value, "须写明原因", field="reason")
    assert caught.value.message_dict == {"reason": ["须写明原因"]}


def test_empty_text_without_a_field_is_a_plain_error():
    with pytest.raises(ValidationError) as caught:
        text_required("", "请为令牌起一个名称")
    assert caught.value.messages == ["请为令牌起一个名称"]
    assert not hasattr(caught.value, "error_dict")
