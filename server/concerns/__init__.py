"""Behavioural threat assessment (issue 17): concerns raised by staff about someone's behaviour."""
