using Consulting.Web.Hosting;

// "--seed" is a switch of ours, not a configuration key: taken out so "--seed --urls X" still means --urls X.
var seed = args.Contains("--seed");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--seed").ToArray());
builder.UseTopLevelWebRoot();
builder.AddAppDatabase();
builder.AddAccounts();
builder.AddIntegrations();
builder.AddWebUi();
builder.AddJobs();

var app = builder.Build();
await app.PrepareDatabaseAsync(seed);
app.UseWebUi();
app.UseJobs();
app.MapWebUi();
app.Run();

public partial class Program;
