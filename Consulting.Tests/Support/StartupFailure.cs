using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Consulting.Tests.Support;

/// <summary>Starting an app that must refuse to start because of its settings.</summary>
public static class StartupFailure
{
    /// <summary>The settings problems <paramref name="factory"/>'s start-up stopped with; fails the test if it started, or stopped for another reason.</summary>
    public static InvalidSettingsException Of(WebApplicationFactory<Program> factory)
    {
        var thrown = Record.Exception(() => factory.Services);
        Assert.NotNull(thrown);
        var pending = new Stack<Exception>([thrown]);
        while (pending.TryPop(out var e))
        {
            if (e is InvalidSettingsException settings) return settings;
            if (e is AggregateException all) foreach (var inner in all.InnerExceptions) pending.Push(inner);
            else if (e.InnerException is { } inner) pending.Push(inner);
        }
        throw new Xunit.Sdk.XunitException("Start-up failed, but not because of its settings: " + thrown);
    }
}
