from auditkit.cli import main

if __name__ == "__main__":  # not when a worker process of the web workbench re-imports it
    main()
