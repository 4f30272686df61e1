"""People: who works in the district, their roles and schools, sign-in and deactivation."""
