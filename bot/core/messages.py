"""User-facing texts of the core, kept together so they read consistently."""

PUBLIC_FLAG = "public"
PUBLIC_HINT = (
    "Replies are private to you; add `public` at the end to post one for the whole channel."
)


def unknown_command(name: str, suggestions: list[str]) -> str:
    text = f"There is no command `/{name}`."
    if suggestions:
        text += " Did you mean " + " or ".join(f"`/{s}`" for s in suggestions) + "?"
    return text + " Type `/help` to see every command."


def unknown_option(command: str, word: str, allowed: list[str], suggestions: list[str]) -> str:
    text = f"`/{command}` does not take `{word}`."
    if suggestions:
        text += " Did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?"
    if allowed:
        text += " It takes: " + ", ".join(f"`{a}`" for a in allowed) + "."
    return text


def missing_option(command: str, option: str, usage: str, examples: tuple[str, ...] = ()) -> str:
    text = f"`/{command}` needs {option}. Usage: `{usage}`"
    if examples:
        text += ". For example: " + ", ".join(f"`{e}`" for e in examples)
    return text


def shortened(option: str, limit: int) -> str:
    return f"Your {option} was cut to its first {limit} characters."


INTERNAL_ERROR = "Sorry, something went wrong answering that. The problem has been logged."
# A command whose store did not answer (/recap while the database is down): counted apart.
STORE_UNAVAILABLE = (
    "Recaps are unavailable for a moment: their database is not answering. Other commands "
    "work; the operator has been told. Try again later."
)
EMPTY_COMMAND = "Type a command such as `/ruling`, or `/help` to see them all."
