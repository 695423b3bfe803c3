"""The page 'Signalen importeren': upload a CSV or JSON file; a background job imports it, all or
nothing (intake/tasks.signalen_importeren). Thin: the file is kept encrypted, the job does the work."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from meldpunt.web.access import page

from . import import_uploads, tasks
from .forms import ImportForm


@page("bulkimport")
@require_http_methods(["GET", "POST"])
def signalen_importeren(request):
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["bestand"]
        token = import_uploads.store(upload.read())
        # Only the kind of file travels with the job, not its name (a name may say who it is about).
        extension = next((e for e in ("csv", "json") if upload.name.lower().endswith(f".{e}")), "")
        run = tasks.signalen_importeren.start(user=request.user, upload=token, extension=extension,
                                              user_id=request.user.pk)
        return redirect("jobs:taak", run.pk)
    return render(request, "intake/signalen_importeren.html", {"form": form})
