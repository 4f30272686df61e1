"""The demo district's rosters at Roosevelt Middle School: Tess Teacher's class and a second
class whose teacher isn't in Muster, invented children with their guardians and one custody note,
imported the way a district's own plain file is. (Lincoln, the field trip's school, has none: a
district starts with no rosters until it imports its own.)"""

from __future__ import annotations

from server.accounting.rosters import parse_plain
from server.accounting.service import import_roster
from server.models import School, User

HEADER = (
    "Student ID,Student,Grade,Class,Period,Teacher email,Guardian 1,Guardian 1 phone,"
    "Guardian 1 may pick up,Guardian 2,Guardian 2 phone,Guardian 2 may pick up,Custody notes"
)
# Invented children and adults; 555-01xx numbers are never in service.
ROWS = [
    "R-01,Lena Ortiz,7,Room 21,1,staff@demo.muster.test,Rosa Ortiz,916-555-0121,yes,,,,",
    "R-02,Marco Silva,7,Room 21,1,staff@demo.muster.test,Paula Silva,916-555-0122,yes,"
    "Jorge Silva,916-555-0132,yes,",
    "R-03,Nina Kowal,7,Room 21,1,staff@demo.muster.test,Adam Kowal,916-555-0123,yes,,,,",
    "R-04,Omar Haddad,7,Room 21,1,staff@demo.muster.test,Leila Haddad,916-555-0124,yes,,,,",
    "R-05,Pia Lund,7,Room 21,1,staff@demo.muster.test,Erik Lund,916-555-0125,yes,"
    "Karl Lund,916-555-0135,no,Court order: never release to Karl Lund.",
    "R-06,Quinn Avery,7,Room 21,1,staff@demo.muster.test,Jo Avery,916-555-0126,yes,,,,",
    "R-07,Rui Tanaka,8,Room 23,1,,Aiko Tanaka,916-555-0127,yes,,,,",
    "R-08,Sara Mensah,8,Room 23,1,,Kofi Mensah,916-555-0128,yes,Ama Mensah,916-555-0138,yes,",
    "R-09,Tomas Novak,8,Room 23,1,,Eva Novak,916-555-0129,yes,,,,",
]


async def seed_roster(admin: User, school: School) -> None:
    parsed = parse_plain("demo-roster.csv", "\n".join([HEADER, *ROWS]).encode(), school.id)
    if parsed.roster is None:  # our own file: a mistake in it is ours, said at once
        raise ValueError(f"the demo roster is wrong: {parsed.errors}")
    await import_roster(admin, parsed.roster)
