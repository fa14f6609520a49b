"""Screens and modal forms pushed over the main screen."""
