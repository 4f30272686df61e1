"""Event risk plans: a register of hazards scored on a 5x5 matrix, key facts, and an approval."""
