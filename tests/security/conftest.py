"""The fuzzing tests get an assistant of their own (every channel against the fakes, like
tests/channels), so that the turns the accepted inputs start never delay another package's tests."""

from tests.channels.conftest import channels_assistant, fake_sms, fake_telegram, fake_zalo  # noqa: F401
