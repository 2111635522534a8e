using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consulting.Web.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WorkLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "Refunds",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "NotificationDeliveries",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "GenerationJobs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "GenerationJobs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "MeetingSyncLeaseOwner",
                table: "Bookings",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MeetingSyncLeaseUntil",
                table: "Bookings",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ScheduledTasks",
                columns: table => new
                {
                    Name = table.Column<string>(type: "text", nullable: false),
                    NextRunAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastRunAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    LeaseOwner = table.Column<string>(type: "text", nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScheduledTasks", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScheduledTasks");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "Refunds");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "GenerationJobs");

            migrationBuilder.DropColumn(
                name: "MeetingSyncLeaseOwner",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "MeetingSyncLeaseUntil",
                table: "Bookings");
        }
    }
}
