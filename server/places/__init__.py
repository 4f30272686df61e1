"""Places: the district's schools and sites, and the geography every area uses (distances,
bearings, the nearest site, a place in words, the district's geocoder)."""
