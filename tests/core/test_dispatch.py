from bot.core.dispatch import Dispatcher
from bot.core.registry import CommandRequest
from bot.core.reply import ReplyKind


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return " ".join(item.text for section in reply.sections for item in section.items)


def test_unknown_command_suggests_the_closest(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/numbrs")
    assert reply.kind is ReplyKind.ERROR
    assert "Did you mean `/numbers`?" in _text(reply)


def test_unknown_option_suggests_and_lists_what_is_allowed(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/status publc")
    assert reply.kind is ReplyKind.ERROR
    assert "does not take `publc`" in _text(reply)
    assert "Did you mean `public`?" in _text(reply)


def test_empty_quote_explains_with_an_example(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/quote")
    assert reply.kind is ReplyKind.ERROR
    assert "/quote 42,695" in _text(reply)


def test_public_flag_is_carried_on_the_reply(dispatcher: Dispatcher) -> None:
    assert dispatcher.run_line("/status public").public is True
    assert dispatcher.run_line("/status").public is False


def test_long_quote_input_is_cut_and_the_user_told(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line("/quote " + "taxpayer addresses " * 100)
    assert any("cut to its first 200 characters" in w for w in reply.warnings)
    assert len(reply.title) < 260


def test_a_failing_handler_gives_an_apology_not_a_traceback(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run(CommandRequest("who", {"name": object()}))  # type: ignore[dict-item]
    assert reply.kind is ReplyKind.ERROR
    assert "Sorry" in reply.title


def test_blank_line_and_slashless_commands(dispatcher: Dispatcher) -> None:
    assert dispatcher.run_line("   ").kind is ReplyKind.ERROR
    assert dispatcher.run_line("numbers").title == "The numbers"


def test_replies_are_reused_until_the_content_changes(dispatcher: Dispatcher) -> None:
    first = dispatcher.run_line("/numbers")
    assert dispatcher.run_line("/numbers") is first  # prepared once, served many times
    file = dispatcher.store.summaries_dir / "numbers.md"
    file.write_text(file.read_text().replace("# The numbers", "# The numbers, updated"))
    assert dispatcher.store.reload_if_changed() == ()
    assert dispatcher.run_line("/numbers").title == "The numbers, updated"


def test_a_crash_apology_is_not_cached(dispatcher: Dispatcher) -> None:
    bad = CommandRequest("who", {"name": object()})  # type: ignore[dict-item]
    assert dispatcher.run(bad) is not dispatcher.run(bad)
