def navigation(request):
    """What the base layout needs for the mobility links (filled in by the mobility lists)."""
    return {}
