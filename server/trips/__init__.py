"""Field trips: trips, their rosters, headcounts and check-ins, lost students, the overdue rule,
and event risk plans."""
