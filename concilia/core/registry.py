def menu(request):
    return []
