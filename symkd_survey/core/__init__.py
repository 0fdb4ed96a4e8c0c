"""The core: the entry model, the taxonomy, the catalogue and the rules every other layer relies on."""
