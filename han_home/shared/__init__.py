"""HAN client core shared by the IHD and the installer tool."""
