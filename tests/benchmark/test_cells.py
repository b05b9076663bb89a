from spacy_al.benchmark.cells import number_cell, share_cell


def test_share_cell_prints_a_percentage_or_the_missing_text() -> None:
    assert share_cell(0.1234) == "12.3 %"
    assert share_cell(None) == "–"
    assert share_cell(None, missing="not reached") == "not reached"


def test_number_cell_rounds_to_the_digits_asked() -> None:
    assert number_cell(0.87654) == "0.877"
    assert number_cell(1.8, digits=2) == "1.80"
    assert number_cell(None) == "–"
