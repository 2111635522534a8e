using Consulting.Web.Hosting;

var start = AppStart.Parse(args);
var builder = WebApplication.CreateBuilder(start.HostOptions());
builder.UseTopLevelWebRoot();
builder.AddAbsoluteUrls();
builder.AddForwardedHeaders();
builder.AddObservability();
builder.AddAppDatabase();
builder.AddAccounts();
builder.AddIntegrations();
builder.AddWebUi();
builder.AddJobs();
StartupTimer.Mark("configured");

var app = builder.Build();
StartupTimer.Mark("host built");
// The deploy step needs the database settings only; everything else is checked before serving.
if (!start.MigrateOnly) app.ValidateSettings();
await app.PrepareDatabaseAsync(start);
StartupTimer.Mark("database ready");
// The deploy step of a pipeline: the schema (and --seed's demo data) in place, then exit.
if (start.MigrateOnly) return;
app.UseStartupTimer();
app.UseWebUi();
app.UseJobs();
app.MapWebUi();
app.Run();

public partial class Program;
