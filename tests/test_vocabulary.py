"""The vocabulary: every word has a Swedish and an English meaning, nothing else slips in."""

import pytest

from finsam_analysis.data.vocabulary import load_vocabulary


def test_every_word_has_exactly_its_meanings():
    vocab = load_vocabulary()
    for domain, words in vocab.domains.items():
        for word, meaning in words.items():
            assert {"sv", "en"} <= set(meaning) <= {"sv", "en", "label", "kind", "factor"}, f"{domain}.{word}"
            assert meaning["sv"].strip() and meaning["en"].strip()


def test_codes_shown_to_readers_carry_their_swedish_label():
    vocab = load_vocabulary()
    assert vocab.label("genders", "kvinna") == "Kvinnor"
    assert vocab.label("member_kinds", "region") == "Regionen"
    assert vocab.label("items", "net_result") == "Årets resultat"
    assert vocab.label("outcomes", "work_or_studies") == "Arbete eller studier"
    for domain in ("genders", "member_kinds", "intervention_kinds", "outcomes"):
        assert all("label" in meaning for meaning in vocab.domains[domain].values()), domain


def test_statements_are_listed_in_the_one_order_of_preference():
    from finsam_analysis.data.precedence import STATEMENT_RANK
    from finsam_analysis.measures import STATEMENT_PREFERENCE

    assert STATEMENT_PREFERENCE[:2] == ("income_statement", "balance_sheet")
    assert STATEMENT_PREFERENCE.index("overview") > STATEMENT_PREFERENCE.index("note")
    assert list(STATEMENT_RANK) == list(STATEMENT_PREFERENCE)


def test_item_kinds_and_money_units():
    vocab = load_vocabulary()
    assert vocab.item_kind("net_result") == "money"
    assert vocab.item_kind("equity_ratio") == "pct"
    assert vocab.unit_factor("tkr") == 1000 and vocab.unit_factor("count") is None
    assert {vocab.item_kind(i) for i in vocab.words("items")} <= {"money", "count", "pct"}


def test_unquoted_comma_in_a_meaning_is_rejected(tmp_path):
    path = tmp_path / "vocabulary.yaml"
    path.write_text("units:\n  count: {sv: antal, en: a count (people, insatser)}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="units.count: .*unexpected \\['insatser\\)'\\]"):
        load_vocabulary(path)
