"""MPAN core check digit and MPRN length; the job file's premises columns and leniency."""

from __future__ import annotations

import random

import pytest

from han_home.installer_app.job import Job, load_devices_csv
from han_home.installer_app.near_miss import slip
from han_home.installer_app.premises_input import premises_fault
from han_home.shared.energy.premises import make_mpan, mpan_problem, mprn_problem
from han_home.shared.sim.home import HomeOptions, VirtualHome

# The MPAN core of the example in the limejump/mpan library's README (its check digit 7)
EXAMPLE_MPAN = "1312345678907"


def test_mpan_check_digit():
    assert mpan_problem(EXAMPLE_MPAN) is None
    assert mpan_problem("13 1234 5678 907") is None  # grouped as on a bill
    assert mpan_problem("1312345678906") == "check"
    assert mpan_problem("131234567890") == "length"
    assert mpan_problem("13123456789x7") == "digits"
    rng = random.Random(1)
    assert all(mpan_problem(make_mpan(rng)) is None for _ in range(50))


def test_mprn_length():
    assert mprn_problem("123456") is None and mprn_problem("1234567890") is None
    assert mprn_problem("12345") == "length" and mprn_problem("12345678901") == "length"
    assert mprn_problem("12345a") == "digits"


def test_faults_say_what_to_fix():
    assert "13 digits" in premises_fault("mpan", "123")
    assert "does not match" in premises_fault("mpan", "1312345678906")
    assert "6 to 10 digits" in premises_fault("mprn", "123")


def test_every_home_and_neighbour_has_valid_premises_and_serials():
    home = VirtualHome(HomeOptions(seed=7, layout="flats"))
    homes = {}
    for meter in (*home.meters(), *[d for d in home.neighbours]):
        problem = mpan_problem if meter.role == "electricity_meter" else mprn_problem
        assert problem(meter.site_id) is None and meter.serial
        homes.setdefault(meter.home, set()).add(meter.site_id)
    assert len(homes) == 4  # this flat and three neighbours, each its own premises
    sites = [s for ids in homes.values() for s in ids]
    assert len(set(sites)) == len(sites)


def test_job_file_premises_columns_semicolons_and_any_header():
    home = VirtualHome(HomeOptions(seed=7))
    esme, gsme, _ihd = home.labels()
    mpan, mprn = home.premises()
    text = ("EUI-64;Install Code;Type;MPAN;MPRN\n"
            f"{esme.eui64};{esme.install_code};electricity_meter;{mpan};\n"
            f"{gsme.eui64};{gsme.install_code};gas;;{mprn}\n")
    job = Job()
    assert load_devices_csv(text, job) == []
    assert (job.mpan, job.mprn) == (mpan, mprn) and len(job.devices) == 2


def test_job_file_with_two_mpans_or_a_bad_one_is_refused():
    home = VirtualHome(HomeOptions(seed=7))
    esme, gsme, _ihd = home.labels()
    text = ("eui64,install_code,type,mpan\n"
            f"{esme.eui64},{esme.install_code},electricity_meter,{home.premises()[0]}\n"
            f"{gsme.eui64},{gsme.install_code},gas_meter,{EXAMPLE_MPAN}\n")
    problems = load_devices_csv(text, Job())
    assert [p.line for p in problems] == [3] and "one premises" in problems[0].message()
    bad = f"eui64,install_code,type,mpan\n{esme.eui64},{esme.install_code},gas,1312345678906\n"
    problems = load_devices_csv(bad, Job())
    assert "does not match" in problems[0].message()


def test_unknown_type_lists_the_known_ones():
    home = VirtualHome(HomeOptions(seed=7))
    esme = home.labels()[0]
    problems = load_devices_csv(
        f"eui64,install_code,type\n{esme.eui64},{esme.install_code},boiler\n", Job())
    assert "electricity_meter, gas_meter" in problems[0].message()


@pytest.mark.parametrize(("listed", "refused", "kind"), [
    ("00:1b:c5:52:f2:26:65:a6", "00:1b:c5:52:f2:26:65:a7", "digits"),
    ("00:1b:c5:52:f2:26:65:a6", "00:1b:c5:52:f2:26:56:a6", "swap"),
    ("00:1b:c5:52:f2:26:65:a6", "00:1b:c5:52:f2:27:75:a6", "digits"),
    ("00:1b:c5:52:f2:26:65:a6", "00:1b:c5:52:f3:37:75:a6", None),  # three digits
    ("00:1b:c5:52:f2:26:65:a6", "00:1b:c5:52:f2:26:65:a6", None),  # the same
])
def test_near_miss_slips(listed, refused, kind):
    assert slip(listed, refused) == kind
