"""Geography: the gazetteer, the geoparser and governorate boundaries."""
