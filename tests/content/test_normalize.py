from bot.content.normalize import normalize


def test_typographic_quotes_apostrophes_and_dashes_fold_to_ascii() -> None:
    assert normalize("“It’s” — the IRS–ICE deal…") == '"It\'s" - the IRS-ICE deal...'


def test_whitespace_runs_collapse_and_case_is_kept() -> None:
    assert normalize("  The   IRS\n\tdid ") == "The IRS did"
