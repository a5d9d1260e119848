"""SMS answers of the answer path: the asked aspect first, whole, within 3 parts of 160 GSM-7."""

from __future__ import annotations

import itertools
import time

import pytest

from bot.answering.compose import brief
from bot.answering.find import field_lines
from bot.answering.types import Asked
from bot.knowledge import repository
from core.message_text import to_gsm7
from tests.channels.test_sms import assert_sms_shape, gateway_message

pytestmark = pytest.mark.slow
# numbers of our own (test_sms.py counts from 900 000 000): two modules never share a conversation
_numbers = itertools.count(800_000_000 + int(time.time()) % 100_000 * 100)


def new_phone() -> tuple:
    number = next(_numbers)
    return f"0{number}", f"84{number}"


def test_a_question_with_several_aspects_by_sms_answers_the_first_whole_and_fits(channels_assistant, fake_sms):
    phone, number = new_phone()
    gateway_message(channels_assistant, phone, "doi bang lai xe het bao nhieu tien, can giay to gi, lam o dau")
    texts = fake_sms.wait_texts(number)
    assert_sms_shape(texts)
    reply = " ".join(texts)
    procedure = repository.current().base.procedures["cap-doi-giay-phep-lai-xe"]
    assert to_gsm7(procedure.name) in reply
    first_fee_line = to_gsm7(brief(field_lines(procedure, Asked.fee)[0])).lstrip("- ").strip()
    assert first_fee_line in reply  # the asked aspect (in brief: several were asked), not cut
    assert not reply.rstrip().endswith("...")
