namespace Consulting.Web.Data;

/// <summary>
/// Whether EF Core's model is built yet. On a restart it is built beside the rest of start-up
/// (<c>DatabaseSetup.PrepareDatabaseAsync</c>), so the first answers need not wait for it; checks
/// that would (the outbox's) say so instead of waiting.
/// </summary>
public sealed class DatabaseWarmUp
{
    private Task _ready = Task.CompletedTask;

    public bool IsReady => _ready.IsCompletedSuccessfully;

    public void Track(Task warmUp) => _ready = warmUp;
}
