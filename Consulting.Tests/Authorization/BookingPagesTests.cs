using Consulting.Tests.Support;
using Consulting.Web.Pages;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Authorization;

/// <summary>
/// A page about one booking outside the admin area (a route under /bookings/{id} or /checkout/{id})
/// opens it through the one booking-access filter, so a new one can't forget the check: the
/// matrix then shows what each visitor gets from it.
/// </summary>
public sealed class BookingPagesTests
{
    [Fact]
    public async Task Every_page_about_one_booking_opens_it_through_the_booking_access_filter()
    {
        using var app = new AppFactory();
        var loader = app.Services.GetRequiredService<PageLoader>();
        var pages = new List<(string Route, Type Model)>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } page) continue;
            var route = endpoint.RoutePattern.RawText ?? "";
            if (!(route.StartsWith("bookings/{id", StringComparison.Ordinal) || route.StartsWith("checkout/{id", StringComparison.Ordinal))) continue;
            var compiled = await loader.LoadAsync(page, endpoint.Metadata);
            pages.Add((route, compiled.ModelTypeInfo!.AsType()));
        }

        Assert.Equal(6, pages.Count);
        Assert.All(pages, p =>
        {
            Assert.True(p.Model.IsSubclassOf(typeof(BookingPageModel)), $"{p.Route}: {p.Model.Name} is not a {nameof(BookingPageModel)}");
            Assert.True(p.Model.IsDefined(typeof(BookingAccessAttribute), inherit: false), $"{p.Route}: {p.Model.Name} has no [BookingAccess]");
        });
    }
}
