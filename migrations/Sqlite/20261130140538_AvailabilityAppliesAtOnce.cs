using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Consulting.Web.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AvailabilityAppliesAtOnce : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Day",
                table: "Slots",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Unavailability",
                table: "Slots",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PriceMinor",
                table: "ScheduleWindows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "HorizonDays",
                table: "Schedules",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxSessionsPerDay",
                table: "Schedules",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MinimumNoticeMinutes",
                table: "Schedules",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PriceMinor",
                table: "ScheduleExceptionWindows",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Slots_SpecialistId_Day",
                table: "Slots",
                columns: new[] { "SpecialistId", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Slots_SpecialistId_Day",
                table: "Slots");

            migrationBuilder.DropColumn(
                name: "Day",
                table: "Slots");

            migrationBuilder.DropColumn(
                name: "Unavailability",
                table: "Slots");

            migrationBuilder.DropColumn(
                name: "PriceMinor",
                table: "ScheduleWindows");

            migrationBuilder.DropColumn(
                name: "HorizonDays",
                table: "Schedules");

            migrationBuilder.DropColumn(
                name: "MaxSessionsPerDay",
                table: "Schedules");

            migrationBuilder.DropColumn(
                name: "MinimumNoticeMinutes",
                table: "Schedules");

            migrationBuilder.DropColumn(
                name: "PriceMinor",
                table: "ScheduleExceptionWindows");
        }
    }
}
