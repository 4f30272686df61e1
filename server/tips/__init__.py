"""Behavioural threat assessment (issue 17): the anonymous tip line, a public page per district."""
