namespace Consulting.Tests.Support;

/// <summary>
/// Waits (in real time) for something another thread or host does in the background, such as a
/// lease renewal or a woken dispatcher. Never a way to wait for the app's clock: that is a FakeClock.
/// </summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Still not so after {timeoutSeconds} s.");
            await Task.Delay(50);
        }
    }
}
