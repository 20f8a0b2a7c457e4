import pytest
from django.core.exceptions import ValidationError
from stdnum.be import nn

from matching import postcodes
from matching.validators import mask_nrn, normalize_nrn, validate_nrn
from tests.factories import make_nrn


@pytest.mark.parametrize(
    "number",
    [
        "85073003328",  # born 1985: 97 - (850730033 mod 97)
        "85.07.30-033.28",
        make_nrn(5),  # born 2008: check on 2 + number
        make_nrn(1, birth=__import__("datetime").date(1999, 12, 31)),
    ],
)
def test_valid_national_register_numbers_pass(number):
    validate_nrn(normalize_nrn(number))


def test_checksum_tells_the_century_of_birth():
    """The same nine digits carry a different check for a birth in 1908 and in 2008."""
    base = "080517001"
    pre_2000 = base + f"{97 - int(base) % 97:02d}"
    post_2000 = base + f"{97 - int('2' + base) % 97:02d}"
    assert pre_2000 != post_2000
    assert nn.get_birth_date(pre_2000).year == 1908
    assert nn.get_birth_date(post_2000).year == 2008
    wrong = base + "00"
    with pytest.raises(ValidationError) as exc:
        validate_nrn(wrong)
    assert exc.value.code == "nrn_checksum"


@pytest.mark.parametrize(
    ("number", "code"),
    [("8507300332", "nrn_length"), ("85073003329", "nrn_checksum"), ("8507300332A", "nrn_format")],
)
def test_invalid_national_register_numbers_are_refused_in_dutch(number, code):
    with pytest.raises(ValidationError) as exc:
        validate_nrn(number)
    assert exc.value.code == code
    assert "rijksregisternummer" in str(exc.value.messages[0]).lower()


def test_mask_shows_only_last_four_digits():
    assert mask_nrn("85073003328") == "•••••••3328"


@pytest.mark.parametrize(
    ("postcode", "province"),
    [
        ("1000", "BRU"),
        ("1210", "BRU"),
        ("1500", "VBR"),
        ("3000", "VBR"),
        ("2000", "ANT"),
        ("2070", "OVL"),  # Zwijndrecht/Burcht: East Flanders since 2025
        ("2080", "ANT"),
        ("3500", "LIM"),
        ("8000", "WVL"),
        ("9000", "OVL"),
        ("1300", "WBR"),
        ("4000", "LIE"),
    ],
)
def test_postcode_gives_province(postcode, province):
    assert postcodes.province_code_for(postcode) == province


@pytest.mark.parametrize("bad", ["999", "10000", "abcd", "", "0999"])
def test_bad_postcode_is_refused(bad):
    with pytest.raises(ValidationError):
        postcodes.province_code_for(bad)


@pytest.mark.parametrize("postcode", ["2000", "2070", "1000", "9000", "8400", "3500", "4000"])
def test_existing_postcodes_are_known(postcode):
    assert postcodes.known_postcode(postcode) == postcode


@pytest.mark.parametrize("postcode", ["2999", "1111", "8999", "3999"])
def test_postcodes_that_do_not_exist_in_flanders_or_brussels_are_refused(postcode):
    with pytest.raises(ValidationError) as exc:
        postcodes.known_postcode(postcode)
    assert "bestaat niet in Vlaanderen of Brussel" in exc.value.messages[0]


@pytest.mark.django_db
def test_province_ids_follow_the_reference_rows():
    from matching import reference
    from matching.models import Province

    antwerp = Province.objects.get(code="ANT")
    assert reference.province_ids(["ANT", "", "XXX"]) == [antwerp.pk]
    # Rows made again (a flushed test database) are found again.
    Province.objects.filter(code="LIM").delete()
    reference.ensure_reference_data()
    assert reference.province_ids(["LIM"]) == [Province.objects.get(code="LIM").pk]
