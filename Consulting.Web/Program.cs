using Consulting.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseTopLevelWebRoot();
builder.AddAppDatabase();
builder.AddAccounts();
builder.AddIntegrations();
builder.AddWebUi();
builder.AddJobs();

var app = builder.Build();
await app.PrepareDatabaseAsync(args);
app.UseWebUi();
app.UseJobs();
app.MapWebUi();
app.Run();

public partial class Program;
