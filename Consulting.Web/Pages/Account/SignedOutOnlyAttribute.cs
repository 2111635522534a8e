using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// For the sign-up pages: a signed-in visitor would otherwise create a second account and be
/// switched to it without a word. They go home with a note instead.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignedOutOnlyAttribute : Attribute, IPageFilter
{
    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated != true) return;
        var tempData = context.HttpContext.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(context.HttpContext);
        tempData["Flash"] = $"You're already signed in as {context.HttpContext.User.Identity.Name}. To create another account, sign out first.";
        context.Result = new RedirectResult("/");
    }

    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}
