using OrleansUploads.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddUploads();

var app = builder.Build();
app.MapUploads();
app.Run();

/// <summary>Visible to tests that host the real application.</summary>
public partial class Program;
