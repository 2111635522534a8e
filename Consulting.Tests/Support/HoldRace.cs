using System.Net;
using Consulting.Tests.Support.PageObjects;

namespace Consulting.Tests.Support;

public sealed record HoldAttempt(string Host, HttpStatusCode Status, string? Location, string Body);

/// <summary>Concurrent holds through real HTTP on loopback sockets (Kestrel), as many visitors clicking at once.</summary>
public static class HoldRace
{
    /// <summary>
    /// One visitor's antiforgery cookie and token, from the first host's week page; then one post per
    /// slot id, all released at once, post i to host i mod the hosts (instances behind a load balancer).
    /// </summary>
    public static async Task<List<HoldAttempt>> RunAsync(IReadOnlyList<string> hosts, string slug, IReadOnlyList<Guid> slotIds)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 256 };
        using var http = new HttpClient(handler);
        var get = await http.GetAsync($"{hosts[0]}/specialists/{slug}?week=2026-11-09&tz=UTC");
        var cookie = string.Join("; ", get.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var (token, action) = (await OpenTimesPage.ReadAsync(http, get)).HoldForm;

        using var start = new ManualResetEventSlim(false);
        var tasks = slotIds.Select(async (slotId, i) =>
        {
            var host = hosts[i % hosts.Count];
            var request = new HttpRequestMessage(HttpMethod.Post, host + action)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = token, ["slotId"] = slotId.ToString(),
                }),
            };
            request.Headers.Add("Cookie", cookie);
            await Task.Run(() => start.Wait());
            var response = await http.SendAsync(request);
            return new HoldAttempt(host, response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Set();
        return [.. await Task.WhenAll(tasks)];
    }
}
