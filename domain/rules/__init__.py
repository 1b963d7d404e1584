"""Value rules the aggregates obey: project settings, languages, version slugs, the version sync's decision."""
