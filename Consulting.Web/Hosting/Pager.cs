namespace Consulting.Web.Hosting;

/// <summary>The shared pager partial's model: where we are and how to link to another page.</summary>
public sealed record Pager(int Page, int PageCount, Func<int, string> Url);
