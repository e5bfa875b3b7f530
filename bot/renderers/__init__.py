"""Renderers draw one neutral Reply for one surface. They never change what it says."""
