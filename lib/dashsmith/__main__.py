from dashsmith.cli import main

main(prog_name="dashsmith")
