"""han-home: the in-home display, the installer tool and their HAN client core, under one
top-level name so an installed wheel claims nothing generic in site-packages."""
