print("not a Django project")
